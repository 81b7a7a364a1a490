{#- HubSpot helpers for the models in models/staging/hubspot/. -#}

{#- The deal pipelines to read (var hubspot_deal_pipelines): NULL/empty = all of them,
    else a list of pipeline ids (a single id is accepted too). As a condition on
    `column`, always true when every pipeline is selected. -#}
{% macro hubspot_selected_pipelines() %}
    {%- set selected = var('hubspot_deal_pipelines', none) -%}
    {%- if selected is none or selected == '' -%}
        {{ return([]) }}
    {%- elif selected is string or selected is number -%}
        {{ return([selected | string]) }}
    {%- endif -%}
    {{ return(selected | map('string') | list) }}
{% endmacro %}

{% macro hubspot_pipeline_filter(column) -%}
    {%- set selected = hubspot_selected_pipelines() -%}
    {%- if selected -%}
        {{ clean_text(column) }} in ({% for pipeline_id in selected %}{{ sql_literal(pipeline_id) }}{{ ", " if not loop.last }}{% endfor %})
    {%- else -%}
        1 = 1
    {%- endif -%}
{%- endmacro %}


{#- A HubSpot date/datetime property value as contract text. Property history keeps
    dates and datetimes as epoch milliseconds ('1680220800000'); a typed column (as
    Fivetran lands `property_closedate`) or ISO text goes through system_timestamp().
    An integer of 12 digits or more is milliseconds (seconds that large are past the
    year 5000), a smaller one seconds. -#}
{% macro hubspot_timestamp(column) -%}
    {%- set as_integer = try_cast(clean_text(column), dbt.type_bigint()) -%}
    case
        when {{ as_integer }} is not null and abs({{ as_integer }}) >= 100000000000
            then cast({{ epoch_seconds_to_timestamp('cast(' ~ as_integer ~ ' / 1000 as ' ~ dbt.type_bigint() ~ ')') }} as {{ dbt.type_string() }})
        else {{ system_timestamp(column) }}
    end
{%- endmacro %}


{#- A HubSpot 0-1 probability as the contract's 0-100, as exact decimal arithmetic (so
    0.2 gives 20, never 20.000000000000004). -#}
{% macro hubspot_percent(column) -%}
    ({{ try_cast(clean_text(column), dbt.type_numeric()) }} * 100)
{%- endmacro %}
