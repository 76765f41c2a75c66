/**
 * The server's MLS inspector: until the MLS module's inspection functions are merged, every MLS
 * object is refused (`bad_mls`), so nothing unchecked is ever stored.
 */
import type { MlsInspector } from './mls-inspect';

export const mlsInspector: MlsInspector = {
  keyPackage() {
    throw new Error('MLS inspection is not available');
  },
  commit() {
    throw new Error('MLS inspection is not available');
  },
};
