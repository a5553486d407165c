/**
 * The shape of a MIME message, as IMAP BODYSTRUCTURE describes it and as mail/mime-tree.ts parses
 * it from raw bytes. Both the mail service (which fetches and plans parts) and the crypto readers
 * (which decide what in a message is encrypted or signed) read it; it lives here, owned by
 * neither, so that crypto/ never depends on mail/ (mail/ depends on crypto/ to decrypt and
 * verify). The architecture test test/unit/architecture/directory-cycles.test.ts keeps it so.
 */

export interface BodyStructureNode {
  part?: string;
  type?: string;
  parameters?: Record<string, string>;
  disposition?: string;
  dispositionParameters?: Record<string, string>;
  id?: string;
  encoding?: string;
  size?: number;
  childNodes?: BodyStructureNode[];
}

/** One entity of a message parsed from its bytes (mail/mime-tree.ts). */
export interface MimeEntity extends BodyStructureNode {
  part: string;
  /** The entity exactly as it appears in the message: header, blank line, body. */
  raw: Buffer;
  /** The (still transfer-encoded) body. */
  body: Buffer;
  headers: Map<string, string>;
  childNodes?: MimeEntity[];
}

/** Every entity depth-first, root first. */
export function allEntities(root: MimeEntity): MimeEntity[] {
  const out: MimeEntity[] = [];
  const walk = (node: MimeEntity) => {
    out.push(node);
    node.childNodes?.forEach(walk);
  };
  walk(root);
  return out;
}
