-- 002 (PostgreSQL twin of ../002-require-mfa.sql).
ALTER TABLE users ADD COLUMN require_mfa INTEGER NOT NULL DEFAULT 0;
ALTER TABLE interaction_progress ADD COLUMN second_factor_verified INTEGER NOT NULL DEFAULT 0;
