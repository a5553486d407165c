import type { IntlShape } from 'react-intl';
import type { Address } from '../../shared/domain.js';

export function formatSize(intl: IntlShape, bytes: number): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return intl.formatNumber(value, { style: 'unit', unit: units[unit], unitDisplay: 'short', maximumFractionDigits: unit === 0 ? 0 : 1 });
}

export function formatDateTime(intl: IntlShape, ms: number): string {
  return intl.formatDate(ms, { dateStyle: 'short', timeStyle: 'short' });
}

export function formatAddress(address: Address): string {
  if (address.name && address.address) return `${address.name} <${address.address}>`;
  return address.name || address.address;
}
