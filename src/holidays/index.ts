/** The public door of this feature: what other features may use. Its models and helpers stay private. */
export { calendarBetween, loadBundledYears, workingDaysFrom } from './service.js';
export { calendarGapLocals } from './routes.js';
export { addWorkingDays } from './working-days.js';
export type { CalendarDay } from './working-days.js';
