/**
 * The catalog domain's one error class. Functions in `utils/catalog/` throw it
 * only for calls the UI should not make (unpinning what the administrator
 * pinned, pinning past the limit); bad stored data is repaired, never thrown.
 */
import { CodedError } from '../errors.ts';

/** What went wrong, for the UI to branch on. */
export type CatalogErrorCode = 'admin_pinned' | 'favorites_full' | 'not_a_favorite';

/** A refused change to the launcher's favorites. */
export class CatalogError extends CodedError<CatalogErrorCode> {
  override readonly name = 'CatalogError';
}
