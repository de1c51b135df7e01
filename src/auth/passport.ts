import passport from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import { login, findActor, type LockoutPolicy } from './service.js';

export function configurePassport(policy: LockoutPolicy): passport.PassportStatic {
  passport.use(
    new LocalStrategy(async (username, password, done) => {
      try {
        const result = await login(username, password, policy);
        if (result.ok) return done(null, result.actor);
        return done(null, false, { message: result.reason });
      } catch (err) {
        return done(err);
      }
    }),
  );
  // A session holds the account and its session epoch ("id.epoch"); a password change raises the epoch, which ends
  // every session signed in before it (the account is read on every request anyway: no extra look-up).
  passport.serializeUser((user, done) => done(null, `${String(user.userId)}.${user.sessionEpoch ?? 0}`));
  passport.deserializeUser(async (serialized: string, done) => {
    try {
      const [id = '', epoch = '0'] = String(serialized).split('.');
      const actor = await findActor(id);
      done(null, actor && (actor.sessionEpoch ?? 0) === Number(epoch) ? actor : false);
    } catch (err) {
      done(err);
    }
  });
  return passport;
}
