-- One row per metric, period and cut (metric_name, period_type, period_start,
-- owner_user_id, team, segment, region): every KPI in one long table for BI tools,
-- with its unit, value and the additive numerator and denominator behind it. A
-- dimension a KPI is not cut by holds 'all'. The metrics and where each comes from are
-- listed once, in macros/conventions/scorecard_metrics.sql.
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}

with

{% for entry in scorecard_metrics() %}
{{ entry.metric }} as (
    select
        '{{ entry.metric }}' as metric_name,
        '{{ entry.unit }}' as unit,
        period_type,
        period_start,
        period_end,
        period_label,
        {%- for dimension in dimensions %}
        {{ dimension if dimension in entry.dimensions else rollup_label() }} as {{ dimension }},
        {%- endfor %}
        cast({{ entry.value }} as {{ type_double() }}) as value,
        cast({{ entry.numerator if entry.numerator else 'null' }} as {{ type_double() }}) as numerator,
        cast({{ entry.denominator if entry.denominator else 'null' }} as {{ type_double() }}) as denominator
    from {{ ref(entry.model) }}
    {%- if entry.where %}
    where {{ entry.where }}
    {%- endif %}
),

{% endfor %}
final as (
    {%- for entry in scorecard_metrics() %}
    select * from {{ entry.metric }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
)

select * from final
