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
  passport.serializeUser((user, done) => done(null, String(user.userId)));
  passport.deserializeUser(async (id: string, done) => {
    try {
      done(null, (await findActor(id)) ?? false);
    } catch (err) {
      done(err);
    }
  });
  return passport;
}
