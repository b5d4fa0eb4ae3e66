/**
 * The catalog domain's one error class. Functions in `utils/catalog/` throw it
 * only for calls the UI should not make (unpinning what the administrator
 * pinned, pinning past the limit); bad stored data is repaired, never thrown.
 */

/** What went wrong, for the UI to branch on. */
export type CatalogErrorCode = 'admin_pinned' | 'favorites_full' | 'not_a_favorite';

/** A refused change to the launcher's favorites. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  readonly code: CatalogErrorCode;

  constructor(code: CatalogErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
