-- 002: admins can require MFA of one user (`user require-mfa <email>`); a user
-- who must have MFA and has none sets it up during sign-in. The portal-wide
-- setting (PORTAL_REQUIRE_MFA) is configuration, not data.
ALTER TABLE users ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;

-- The second factor was proved in this sign-in (a code, or a just-confirmed
-- enrolment): only then may the interaction finish with MFA. Set by the
-- enrolment step, so "I have saved these codes" cannot be posted early.
ALTER TABLE interaction_progress ADD COLUMN second_factor_verified INTEGER NOT NULL DEFAULT 0;
