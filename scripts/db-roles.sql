-- The registry's two PostgreSQL roles and its database, once, as a PostgreSQL superuser.
-- Safe to run again (it creates what is missing and sets the passwords).
--
--   psql -X -v ON_ERROR_STOP=1 -U postgres -d postgres \
--        -v owner=registry_owner -v owner_password='…' \
--        -v app=registry_app -v app_password='…' \
--        -v db=registry -f scripts/db-roles.sql
--
-- owner: owns the database and the schema, runs the migrations, used by nobody else.
-- app:   the web, worker and beat processes. Its privileges on the tables are granted by
--        `manage.py grant_app_role` (or automatically by `migrate` with DATABASE_APP_ROLE set),
--        run as the owner after every migrate: everything on the registry's tables, but only
--        SELECT and INSERT on the audit trail, and no TRUNCATE, no trigger, no DDL anywhere.

\set ON_ERROR_STOP 1

SELECT format('CREATE ROLE %I', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('CREATE ROLE %I', :'app')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'app') \gexec
-- neither is a superuser, may create roles or bypass row security; only the owner's own objects
-- can be altered by it, and the app owns nothing
ALTER ROLE :"owner" LOGIN NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'owner_password';
ALTER ROLE :"app" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'app_password';
-- the owner may end the application's sessions (pg_terminate_backend before a restore or a drop);
-- the application is never a member of the owner
GRANT :"app" TO :"owner";

SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
ALTER DATABASE :"db" OWNER TO :"owner";

\connect :"db"
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"db" TO :"owner";
GRANT CONNECT ON DATABASE :"db" TO :"app";
ALTER SCHEMA public OWNER TO :"owner";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"app";
