{#- With raw_source 'files', land every contract table found in var('data_dir') into
    the raw schema before any model runs (an on-run-start hook), with the engine's own
    file readers: DuckDB's (macros/duckdb/) or Spark's (macros/spark/). CSV columns are
    read as text: staging does all the parsing, the same way for every input. Bulk data
    never goes through `dbt seed`. -#}
{% macro land_contract_files() %}
    {%- if not execute or var('raw_source', 'demo') != 'files' -%}
        {{ return('') }}
    {%- endif -%}
    {#- `revops build` passes the folder as REVOPS_DATA_DIR, not as a var: dbt parses the
        whole project again when --vars changes, and only this hook reads the folder -#}
    {%- set data_dir = var('data_dir', none) or env_var('REVOPS_DATA_DIR', '') -%}
    {%- if not data_dir -%}
        {{ exceptions.raise_compiler_error("raw_source 'files' needs var data_dir: the folder holding the contract files") }}
    {%- endif -%}
    {%- set contract = {} -%}
    {%- for table_name in contract_table_names() -%}
        {%- do contract.update({table_name: {'columns': contract_columns_of(table_name),
                                             'primary_key': contract_primary_key_of(table_name)}}) -%}
    {%- endfor -%}
    {{ return(adapter.dispatch('land_contract_files', 'revops')(data_dir | string, contract)) }}
{% endmacro %}

{% macro default__land_contract_files(data_dir, contract) %}
    {{ exceptions.raise_compiler_error(
        "raw_source 'files' reads files with DuckDB's or Spark's readers; on " ~ target.type
        ~ ", load the files into a schema and use raw_source 'schema'") }}
{% endmacro %}


{#- The contract's table names, from the `contract` source. -#}
{% macro contract_table_names() %}
    {%- set names = [] -%}
    {%- for node in graph.sources.values() if node.source_name == 'contract' -%}
        {%- do names.append(node.name) -%}
    {%- endfor -%}
    {{ return(names | sort) }}
{% endmacro %}
