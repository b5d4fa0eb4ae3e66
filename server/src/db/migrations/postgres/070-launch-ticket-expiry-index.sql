-- 070 (PostgreSQL twin, same statement). Launch tickets are purged by expiry (app.ts, once a minute): an index on
-- expires_at lets that DELETE seek the expired rows instead of scanning every
-- live ticket (scale: one node, many launches).
CREATE INDEX launch_tickets_expires_at ON launch_tickets (expires_at);
