import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import mongoose from 'mongoose';
import { projectRoot } from '../../src/shared/paths.js';
import * as audit from '../../src/audit/index.js';
import * as auth from '../../src/auth/index.js';
import * as code from '../../src/conduct-code/index.js';
import * as complianceReport from '../../src/compliance-report/index.js';
import * as discipline from '../../src/discipline/index.js';
import * as dossiers from '../../src/dossiers/index.js';
import * as evaluations from '../../src/evaluations/index.js';
import * as exportsDoor from '../../src/exports/index.js';
import * as holidays from '../../src/holidays/index.js';
import * as letters from '../../src/letters/index.js';
import * as notifications from '../../src/notifications/index.js';
import * as privacy from '../../src/privacy/index.js';
import * as reports from '../../src/incidents/index.js';
import * as satisfaction from '../../src/satisfaction/index.js';
import * as staff from '../../src/staff/index.js';
import * as statistics from '../../src/statistics/index.js';
import * as units from '../../src/units/index.js';

// The import rules themselves (doors, shared/ knows no feature, no cycles) are checked by dependency-cruiser in
// `npm test` (.dependency-cruiser.cjs); what a door lets out is checked here.
const doors: Record<string, Record<string, unknown>> = { audit, auth, 'compliance-report': complianceReport, 'conduct-code': code, discipline, dossiers, evaluations, exports: exportsDoor, holidays, incidents: reports, letters, notifications, privacy, satisfaction, staff, statistics, units };

describe('the features’ public doors', () => {
  it('are all checked here (a new door is added to this test)', () => {
    const onDisk = fs
      .readdirSync(path.join(projectRoot, 'src'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(projectRoot, 'src', e.name, 'index.ts')))
      .map((e) => e.name)
      .sort();
    expect(Object.keys(doors).sort()).to.deep.equal(onDisk);
  });

  it('let out no model: other features read and write through named functions', () => {
    const leaks = Object.entries(doors).flatMap(([feature, door]) =>
      Object.entries(door)
        .filter(([, value]) => typeof value === 'function' && value.prototype instanceof mongoose.Model)
        .map(([name]) => `${feature}: ${name}`),
    );
    expect(leaks).to.deep.equal([]);
  });
});
