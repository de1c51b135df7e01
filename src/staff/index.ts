/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { activeStaffMember, staffNames } from './service.js';
export { staleSortKeys, storeSortKeys, type PersonSortKey } from './sort-keys.js';
export { activeStaffUnder, linkLogin, staffByCodeOrId, staffRecordOf, staffCountedBy, staffFormerlyIn, staffMember, staffUnder, storeFormerUnitPaths, type StaffMember } from './readers.js';
