#!/usr/bin/env bash
# Runs once, when the postgres volume is first initialised (postgres image entrypoint):
# creates the role that owns tieup's data and the separate `news` database.
# POSTGRES_USER/POSTGRES_DB (the `airflow` database) are created by the image itself.
# CREATEROLE lets `tieup db roles` create the reviewer and pipeline roles later.
set -euo pipefail

psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v news_db="$NEWS_DB_NAME" -v news_user="$NEWS_DB_USER" -v news_password="$NEWS_DB_PASSWORD" <<'SQL'
CREATE ROLE :"news_user" LOGIN CREATEROLE PASSWORD :'news_password';
CREATE DATABASE :"news_db" OWNER :"news_user";
SQL
