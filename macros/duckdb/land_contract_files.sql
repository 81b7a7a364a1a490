{#- DuckDB only. With raw_source 'files', land every contract table found in
    var('data_dir') (<table>.parquet, else <table>.csv) into the raw schema with
    DuckDB's own readers, before any model runs (an on-run-start hook). CSV columns are
    read as text: staging does all the parsing, the same way for every input. A table
    with no file is dropped from the raw schema, so a previous build's data can never
    leak into this one. Bulk data never goes through `dbt seed`. -#}
{% macro land_contract_files() %}
    {%- if not execute or var('raw_source', 'demo') != 'files' -%}
        {{ return('') }}
    {%- endif -%}
    {%- if target.type != 'duckdb' -%}
        {{ exceptions.raise_compiler_error(
            "raw_source 'files' reads files with DuckDB's readers; on " ~ target.type
            ~ ", load the files into a schema and use raw_source 'schema'") }}
    {%- endif -%}
    {%- set data_dir = var('data_dir', none) -%}
    {%- if not data_dir -%}
        {{ exceptions.raise_compiler_error("raw_source 'files' needs var data_dir: the folder holding the contract files") }}
    {%- endif -%}
    {%- set raw_schema = var('raw_schema', 'raw') -%}
    {%- do run_query('create schema if not exists ' ~ adapter.quote(raw_schema)) -%}
    {%- for table_name in contract_table_names() -%}
        {%- set relation = adapter.quote(raw_schema) ~ '.' ~ adapter.quote(table_name) -%}
        {%- set path = contract_file_path(data_dir, table_name) -%}
        {%- if path is none -%}
            {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- else -%}
            {%- set is_parquet = path.endswith('.parquet') -%}
            {%- set reader = "read_parquet('" ~ path ~ "')" if is_parquet
                else "read_csv('" ~ path ~ "', header = true, all_varchar = true, quote = '\"', escape = '\"')" -%}
            {#- _source_line: the line in a CSV file (its header is line 1), the row in a
                Parquet file, so every problem can be reported where the user can find it -#}
            {%- set first_line = 1 if is_parquet else 2 -%}
            {%- do log('landing ' ~ path ~ ' into ' ~ relation, info=false) -%}
            {%- do run_query('create or replace table ' ~ relation ~ ' as select *, row_number() over () + '
                ~ (first_line - 1) ~ ' as _source_line from ' ~ reader) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return('') }}
{% endmacro %}


{#- The file holding one contract table, Parquet first; none when there is none. -#}
{% macro contract_file_path(data_dir, table_name) %}
    {%- set base = (data_dir | replace("'", "''")) ~ '/' ~ table_name -%}
    {%- for extension in ['parquet', 'csv'] -%}
        {%- set found = run_query("select file from glob('" ~ base ~ "." ~ extension ~ "')") -%}
        {%- if found.rows | length > 0 -%}
            {{ return(found.rows[0][0]) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


{#- The contract's table names, from the `contract` source. -#}
{% macro contract_table_names() %}
    {%- set names = [] -%}
    {%- for node in graph.sources.values() if node.source_name == 'contract' -%}
        {%- do names.append(node.name) -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{% endmacro %}
