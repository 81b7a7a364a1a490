{#- DuckDB: which file holds which table, and the SQL that reads it, come from the runner's
    landing module (runner/revops/landing.py) through the dbt-duckdb plugin in
    profiles.yml: the same code `revops validate` and `revops build` use. A problem
    with a file (a missing required column, two files for one table, a broken link)
    stops the run here, before any model, naming the file. CSV columns are read as
    text: staging does all the parsing, the same way for every input. A table with no
    file is dropped from the raw schema, so a previous build's data can never leak into
    this one. Bulk data never goes through `dbt seed`. -#}
{% macro duckdb__land_contract_files(data_dir, contract) %}
    {%- set arguments = [data_dir | string, var('raw_schema', 'raw') | string, tojson(contract)] -%}
    {%- set quoted = [] -%}
    {%- for argument in arguments -%}
        {%- do quoted.append("'" ~ (argument | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- set found = run_query('select revops_landing_plan(' ~ (quoted | join(', ')) ~ ')') -%}
    {%- set landing = fromjson(found.rows[0][0]) -%}
    {%- for warning in landing.warnings -%}
        {%- do log('warning: ' ~ warning, info=true) -%}
    {%- endfor -%}
    {%- if landing.errors -%}
        {{ exceptions.raise_compiler_error("cannot land " ~ data_dir ~ ":\n  " ~ (landing.errors | join("\n  "))) }}
    {%- endif -%}
    {%- do run_landing_steps(landing.statements) -%}
    {{ return('') }}
{% endmacro %}

{#- A step is a statement, or a choice {if: query, then: steps, else: steps} on the
    query's one boolean (run_landing() in landing.py does the same). -#}
{% macro run_landing_steps(steps) %}
    {%- for step in steps -%}
        {%- if step is mapping -%}
            {%- set answer = run_query(step['if']).rows[0][0] -%}
            {%- do run_landing_steps(step['then'] if answer else step['else']) -%}
        {%- else -%}
            {%- do run_query(step) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
