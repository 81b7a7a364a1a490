{#- Spark: the contract files in data_dir, read with Spark's own readers into the raw
    schema. The rules are DuckDB's (runner/revops/landing.py), so a folder lands the
    same on both engines:
      - a table is `<table>.csv`, `<table>.csv.gz` or `<table>.parquet` (any case), or a
        folder of part files named so (`forecasts.csv/part-00000.csv`); anything else is
        listed as unread;
      - two files for one table, a header naming a column twice or lacking a required
        column, and a folder with no contract file at all stop the run here, naming the
        file;
      - a CSV is read with the contract's dialect fixed (header line, quote and escape
        `"`, every column text, quoted fields may span lines); only the delimiter is
        taken from the header line. A record whose field count differs from the header's
        is kept as a row of its own, with its text and a reason, so the contract checks
        quarantine it with its file and line;
      - `_source_line` counts records: the header is line 1, so it is the file's line
        unless a quoted field spans lines.
    Each table is `<raw>.<table>__file` (the file as Spark reads it) under a view
    `<raw>.<table>` that adds the file, line and reason columns. Paths are Spark string
    literals with Hadoop's glob characters escaped, so a folder named `O'Brien [1]` is
    read as itself. -#}
{% macro spark__land_contract_files(data_dir, contract) %}
    {%- set raw_schema = var('raw_schema', 'raw') | string -%}
    {%- do run_query('create schema if not exists ' ~ spark_identifier(raw_schema)) -%}
    {%- set listed = spark_list_files(data_dir) -%}
    {%- set errors = [] -%}
    {%- set warnings = [] -%}
    {%- set by_table = {} -%}
    {%- for path, name in listed -%}
        {%- set found = spark_contract_file_of(name, contract) -%}
        {%- if found is none -%}
            {%- do warnings.append(name ~ ": not read: not a contract table (a table is <table>.csv, <table>.csv.gz or <table>.parquet)") -%}
        {%- else -%}
            {%- do by_table.setdefault(found.table, {}).setdefault(found.source, {'format': found.format, 'paths': []}).paths.append(path) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not by_table -%}
        {%- do errors.append(data_dir ~ ": no contract file (expected files such as accounts.csv or opportunities.parquet)") -%}
    {%- endif -%}
    {%- for table, sources in by_table.items() if sources | length > 1 -%}
        {%- do errors.append(table ~ ": " ~ (sources.keys() | sort | join(' and ')) ~ " both hold it; keep one") -%}
    {%- endfor -%}
    {%- if errors -%}
        {{ exceptions.raise_compiler_error("cannot land " ~ data_dir ~ ":\n  " ~ (errors | join("\n  "))) }}
    {%- endif -%}
    {%- for table in contract.keys() | sort -%}
        {%- do spark_drop_landed(raw_schema, table) -%}
        {%- if table in by_table -%}
            {%- set name, source = (by_table[table].items() | list)[0] -%}
            {%- do spark_land_table(raw_schema, table, name, source, contract[table].columns, errors, warnings) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for warning in warnings -%}
        {%- do log('warning: ' ~ warning, info=true) -%}
    {%- endfor -%}
    {%- if errors -%}
        {{ exceptions.raise_compiler_error("cannot land " ~ data_dir ~ ":\n  " ~ (errors | join("\n  "))) }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{#- Every file under the folder, as (Spark's path, the name relative to the folder). -#}
{% macro spark_list_files(data_dir) %}
    {%- do run_query("create or replace temporary view revops_landing_files using binaryFile options (path "
        ~ spark_path_literal(data_dir) ~ ", recursiveFileLookup 'true')") -%}
    {%- set rows = run_query('select path from revops_landing_files order by path').rows -%}
    {#- Spark gives absolute paths; the folder's own part is found by its name, as typed
        (normalised), at the end of each file's directory -#}
    {%- set parts = [] -%}
    {%- for part in (data_dir | string).split('/') if part not in ('', '.') -%}
        {%- if part == '..' -%}{%- do parts.clear() -%}{%- else -%}{%- do parts.append(part) -%}{%- endif -%}
    {%- endfor -%}
    {%- set marker = '/' ~ (parts | join('/')) ~ '/' if parts else '/' -%}
    {%- set listed = [] -%}
    {%- for row in rows -%}
        {%- set path = row[0] | string -%}
        {%- set local = modules.re.sub('^file:', '', path) -%}
        {%- set at = local.rfind(marker) -%}
        {%- set name = local[at + marker | length:] if at >= 0 else local.split('/')[-1] -%}
        {%- do listed.append((path, name)) -%}
    {%- endfor -%}
    {{ return(listed) }}
{% endmacro %}


{#- Which contract table a file holds: {table, source (the name reported), format}, or
    none. -#}
{% macro spark_contract_file_of(name, contract) %}
    {%- set parts = name.split('/') -%}
    {%- if parts | length > 2 -%}{{ return(none) }}{%- endif -%}
    {%- set entry = parts[0] | lower -%}
    {%- for extension, file_format in [('.csv.gz', 'csv'), ('.csv', 'csv'), ('.parquet', 'parquet')] -%}
        {%- set table = entry[:-(extension | length)] if entry.endswith(extension) else none -%}
        {%- if table and table in contract -%}
            {%- if parts | length == 1 -%}
                {{ return({'table': table, 'source': parts[0], 'format': file_format}) }}
            {%- elif (parts[1] | lower).startswith('part-') -%}
                {{ return({'table': table, 'source': parts[0], 'format': file_format}) }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}


{% macro spark_drop_landed(raw_schema, table) %}
    {%- for identifier, kind in [(table, 'view'), (table ~ '__file', 'table')] -%}
        {%- set existing = adapter.get_relation(database=none, schema=raw_schema, identifier=identifier) -%}
        {%- if existing is not none -%}
            {%- do adapter.drop_relation(existing) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro spark_land_table(raw_schema, table, name, source, columns, errors, warnings) %}
    {%- set location = source.paths[0] if source.paths | length == 1 and '/' not in name else source.paths[0].rsplit('/', 1)[0] -%}
    {%- set file_table = spark_identifier(raw_schema) ~ '.' ~ spark_identifier(table ~ '__file') -%}
    {%- set contract_names = columns | map(attribute='name') | list -%}
    {%- set required = columns | selectattr('required') | map(attribute='name') | list -%}
    {%- if source.format == 'csv' -%}
        {%- set header = spark_csv_header(source.paths[0]) -%}
        {%- set file_columns = [] -%}
        {%- for column in header.columns -%}
            {%- if column in file_columns -%}
                {%- do errors.append(name ~ ", column " ~ column ~ ": the header names it twice") -%}
            {%- endif -%}
            {%- do file_columns.append(column) -%}
        {%- endfor -%}
        {%- set schema = [] -%}
        {%- for column in file_columns -%}
            {#- only contract columns keep their name: a header's other names never reach SQL -#}
            {%- do schema.append(spark_identifier(column if column in contract_names else '_unread_' ~ loop.index) ~ ' string') -%}
        {%- endfor -%}
        {%- do schema.append('_source_text string') -%}
        {%- do run_query('create table ' ~ file_table ~ ' (' ~ (schema | join(', ')) ~ ') using csv options ('
            ~ 'path ' ~ spark_path_literal(location) ~ ", header 'true', sep " ~ sql_literal(header.delimiter)
            ~ ", quote '\"', escape '\"', multiLine 'true', mode 'PERMISSIVE', columnNameOfCorruptRecord '_source_text')") -%}
    {%- else -%}
        {%- do run_query('create table ' ~ file_table ~ ' using parquet options (path ' ~ spark_path_literal(location) ~ ')') -%}
        {%- set file_columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(api.Relation.create(schema=raw_schema, identifier=table ~ '__file')) -%}
            {%- do file_columns.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- for column in required if column not in file_columns -%}
        {%- do errors.append(name ~ ", column " ~ column ~ ": a required column of " ~ table ~ " is missing") -%}
    {%- endfor -%}
    {%- for column in file_columns if column not in contract_names -%}
        {%- do warnings.append(name ~ ", column " ~ column ~ ": not read: not a column of " ~ table) -%}
    {%- endfor -%}
    {%- set is_csv = source.format == 'csv' -%}
    {%- set selected = [] -%}
    {%- for column in contract_names if column in file_columns -%}
        {%- if is_csv -%}
            {%- do selected.append('case when _source_text is null then ' ~ spark_identifier(column) ~ ' end as ' ~ spark_identifier(column)) -%}
        {%- else -%}
            {%- do selected.append(spark_identifier(column)) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set file_name = sql_literal(name) if location == source.paths[0]
        else sql_literal(name ~ '/') ~ " || url_decode(element_at(split(_file, '/'), -1))" -%}
    {%- do run_query('create view ' ~ spark_identifier(raw_schema) ~ '.' ~ spark_identifier(table) ~ ' as select '
        ~ 'cast(row_number() over (partition by _file order by _row_order) + ' ~ (1 if is_csv else 0) ~ ' as bigint) as _source_line, '
        ~ file_name ~ ' as _source_file, '
        ~ ("case when _source_text is not null then 'the line does not parse: it has more or fewer fields than the header' end"
           if is_csv else 'cast(null as string)') ~ ' as _source_error, '
        ~ ('_source_text' if is_csv else 'cast(null as string) as _source_text')
        ~ ((', ' ~ (selected | join(', '))) if selected else '')
        ~ ' from (select *, input_file_name() as _file, monotonically_increasing_id() as _row_order from ' ~ file_table ~ ')') -%}
    {#- dbt listed the schema's relations before this hook ran: tell its cache -#}
    {%- do adapter.cache_added(api.Relation.create(schema=raw_schema, identifier=table ~ '__file', type='table')) -%}
    {%- do adapter.cache_added(api.Relation.create(schema=raw_schema, identifier=table, type='view')) -%}
{% endmacro %}


{#- The header of a CSV file: {columns (lower case, unquoted), delimiter}. -#}
{% macro spark_csv_header(path) %}
    {%- do run_query("create or replace temporary view revops_landing_header using text options (path "
        ~ spark_path_literal(path) ~ ")") -%}
    {%- set rows = run_query('select value from revops_landing_header limit 1').rows -%}
    {%- set line = (rows[0][0] if rows else '') | string -%}
    {%- set line = line.lstrip('\ufeff') -%}
    {%- set ns = namespace(delimiter=',', count=-1) -%}
    {%- for candidate in [',', ';', '\t'] -%}
        {%- if line.count(candidate) > ns.count -%}
            {%- set ns.delimiter = candidate -%}
            {%- set ns.count = line.count(candidate) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set columns = [] -%}
    {%- for column in line.split(ns.delimiter) -%}
        {%- do columns.append(column.strip().strip('"').strip() | lower) -%}
    {%- endfor -%}
    {{ return({'columns': columns, 'delimiter': ns.delimiter}) }}
{% endmacro %}


{#- A path as a Spark string literal, with Hadoop's glob characters escaped so it names
    itself. -#}
{% macro spark_path_literal(path) -%}
    {%- set ns = namespace(path=path | string) -%}
    {%- for character in ['\\', '*', '?', '[', ']', '{', '}'] -%}
        {%- set ns.path = ns.path | replace(character, '\\' ~ character) -%}
    {%- endfor -%}
    {{- spark__string_literal(ns.path) -}}
{%- endmacro %}

{#- A Spark identifier in backticks. -#}
{% macro spark_identifier(name) -%}
    {{- '`' ~ (name | string | replace('`', '``')) ~ '`' -}}
{%- endmacro %}
