{#- Spark's parsing of raw text. try_cast, not cast: a bad cell is NULL (and so
    quarantined) whatever spark.sql.ansi.enabled says, where an ANSI cast would fail the
    build. The session time zone is UTC (profiles.yml), so a timestamp without an
    offset is read as UTC. -#}
{% macro spark__try_cast(expression, data_type) -%}
    try_cast({{ expression }} as {{ data_type }})
{%- endmacro %}

{% macro spark__parse_timestamp(column) -%}
    try_cast({{ clean_text(column) }} as timestamp)
{%- endmacro %}

{% macro spark__type_double() -%}
    {{ return('double') }}
{%- endmacro %}

{% macro spark__epoch_seconds_to_timestamp(seconds) -%}
    timestamp_seconds({{ seconds }})
{%- endmacro %}
