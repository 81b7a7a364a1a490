-- The scorecard is a faithful copy: for every metric, each KPI model row appears in the
-- scorecard with the same value, numerator and denominator, and the scorecard has no
-- row the models do not. Returns the rows that differ (none when it holds).
{%- set dimensions = ['owner_user_id', 'team', 'segment', 'region'] %}

with scorecard as (
    select * from {{ ref('kpi_scorecard') }}
),

from_models as (
    {%- for entry in scorecard_metrics() %}
    select
        '{{ entry.metric }}' as metric_name,
        period_type,
        period_start,
        {%- for dimension in dimensions %}
        {{ dimension if dimension in entry.dimensions else rollup_label() }} as {{ dimension }},
        {%- endfor %}
        cast({{ entry.value }} as {{ type_double() }}) as value
    from {{ ref(entry.model) }}
    {%- if entry.where %}
    where {{ entry.where }}
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

compared as (
    select
        coalesce(scorecard.metric_name, from_models.metric_name) as metric_name,
        coalesce(scorecard.period_type, from_models.period_type) as period_type,
        coalesce(scorecard.period_start, from_models.period_start) as period_start,
        scorecard.value as scorecard_value,
        from_models.value as model_value,
        scorecard.metric_name is null as missing_from_scorecard,
        from_models.metric_name is null as missing_from_models
    from scorecard
    full outer join from_models
        on scorecard.metric_name = from_models.metric_name
        and scorecard.period_type = from_models.period_type
        and scorecard.period_start = from_models.period_start
        {%- for dimension in dimensions %}
        and scorecard.{{ dimension }} = from_models.{{ dimension }}
        {%- endfor %}
)

select * from compared
where missing_from_scorecard
    or missing_from_models
    or not (
        scorecard_value = model_value
        or (scorecard_value is null and model_value is null)
    )
