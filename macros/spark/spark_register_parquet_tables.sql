{#- Spark: register a folder of Parquet files laid out as `<schema>/<table>/*.parquet`
    (an ELT landing, as scripts/lib/landing_to_parquet.py writes one) as tables over
    those files, replacing any of the same name (a folder per table: the metastore
    wants a table's location to be a directory):
        dbt run-operation spark_register_parquet_tables --target spark --args '{folder: /tmp/landing}' -#}
{% macro spark_register_parquet_tables(folder) %}
    {%- set registered = [] -%}
    {%- for path, name in spark_list_files(folder) -%}
        {%- set parts = name.split('/') -%}
        {%- if parts | length == 3 and parts[2].endswith('.parquet') and (parts[0] ~ '.' ~ parts[1]) not in registered -%}
            {%- set schema = parts[0] -%}
            {%- set table = parts[1] -%}
            {%- do run_query('create schema if not exists ' ~ spark_identifier(schema)) -%}
            {%- set existing = adapter.get_relation(database=none, schema=schema, identifier=table) -%}
            {%- if existing is not none -%}{%- do adapter.drop_relation(existing) -%}{%- endif -%}
            {%- do run_query('create table ' ~ spark_identifier(schema) ~ '.' ~ spark_identifier(table)
                ~ ' using parquet options (path ' ~ spark_path_literal(path.rsplit('/', 1)[0]) ~ ')') -%}
            {%- do registered.append(schema ~ '.' ~ table) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do log('registered ' ~ (registered | length) ~ ' tables from ' ~ folder, info=true) -%}
{% endmacro %}
