/** The public door of this feature: the yearly (or quarterly, half-yearly, monthly-window) report as a Word document. */
export { assertCanReport, buildReport, reportableUnits, windowFigures } from './service.js';
export type { BuiltReport, ReportKind, WindowFigures } from './service.js';
export { previousWindow, windowLabel, windowOf } from './window.js';
export type { ReportWindow, WindowKind } from './window.js';
