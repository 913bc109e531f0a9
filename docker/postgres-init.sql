-- Runs once, when the postgres container initialises an empty data volume
-- (mounted into /docker-entrypoint-initdb.d/). Creates only the database and
-- the application's login role; the migrations create the schema and grant
-- openrathaus_app its privileges.
-- The password comes from the container environment: \getenv is a psql
-- meta-command (psql 15+), so this stays plain SQL and no password is in the file.

\getenv app_password OPENRATHAUS_APP_PASSWORD
\if :{?app_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'OPENRATHAUS_APP_PASSWORD is not set'; END $$;
\endif

CREATE DATABASE openrathaus;

-- Login role for portal and worker: neither superuser nor owner, and
-- NOBYPASSRLS so row-level security separates the tenants.
CREATE ROLE openrathaus_app LOGIN PASSWORD :'app_password'
  NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;

-- Only the roles that need it may connect (PUBLIC has CONNECT by default).
REVOKE ALL ON DATABASE openrathaus FROM PUBLIC;
GRANT CONNECT ON DATABASE openrathaus TO openrathaus_app;
