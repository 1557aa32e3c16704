# Written by `selfhost render` for Seafile's MariaDB. The mariadb image's entrypoint runs it once, on an empty
# data directory, after it has set the root password (sourced: the file is not executable).
#
# It creates what Seafile's first start would create as root (haiwen/seafile-docker scripts_13.0/bootstrap.py →
# setup-seafile-mysql.py, NewDBConfigurator: CREATE USER '<user>'@'%', CREATE DATABASE IF NOT EXISTS … CHARACTER
# SET UTF8, GRANT ALL PRIVILEGES on each), with the same names and password from .env. Seafile skips that
# setup whenever its data volume already holds seafile-data, as after a restore; without this file a restore
# after `down --volumes` would load the dumps into databases nobody created, for a user that no longer exists
# (a dump holds neither). On a first start bootstrap.py finds the user and runs only its IF NOT EXISTS steps.
seafile_db_init() {
    local q_user q_pw db
    q_user=$(printf '%s' "${SEAFILE_MYSQL_DB_USER:-seafile}" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g")
    q_pw=$(printf '%s' "${SEAFILE_MYSQL_DB_PASSWORD:?SEAFILE_MYSQL_DB_PASSWORD is not set for the db service}" | sed "s/\\\\/\\\\\\\\/g; s/'/\\\\'/g")
    {
        echo "CREATE USER IF NOT EXISTS '$q_user'@'%' IDENTIFIED BY '$q_pw';"
        for db in "${SEAFILE_MYSQL_DB_CCNET_DB_NAME:-ccnet_db}" "${SEAFILE_MYSQL_DB_SEAFILE_DB_NAME:-seafile_db}" "${SEAFILE_MYSQL_DB_SEAHUB_DB_NAME:-seahub_db}"; do
            echo "CREATE DATABASE IF NOT EXISTS \`${db//\`/\`\`}\` CHARACTER SET UTF8;"
            echo "GRANT ALL PRIVILEGES ON \`${db//\`/\`\`}\`.* TO '$q_user'@'%';"
        done
        echo "FLUSH PRIVILEGES;"
    } | "$(command -v mariadb || command -v mysql)" --protocol=socket -uroot -p"${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}"
}
seafile_db_init
