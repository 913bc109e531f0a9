/** Form ids: a letter, then letters, digits and underscores (see the form model conventions). */
const VALID_ID = /^[a-zA-Z][a-zA-Z0-9_]*$/;

/**
 * Hands out ids that are valid and unique within one form. The first holder of a wish gets it
 * unchanged; later ones get `_2`, `_3`, … — so a FIM field used in two groups keeps its FIM id
 * at its first place and stays recognisable at the others.
 */
export class IdRegistry {
  private readonly taken = new Set<string>();

  take(wish: string): string {
    const base = toValidId(wish);
    let id = base;
    for (let n = 2; this.taken.has(id); n += 1) id = `${base}_${n}`;
    this.taken.add(id);
    return id;
  }
}

/** Replaces what an id may not contain; prefixes `id_` when it would not start with a letter. */
export function toValidId(wish: string): string {
  const cleaned = wish.trim().replace(/[^a-zA-Z0-9_]/g, '_');
  const id = /^[a-zA-Z]/.test(cleaned) ? cleaned : `id_${cleaned}`;
  return VALID_ID.test(id) ? id : 'id';
}
