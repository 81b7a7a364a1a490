{#- The contract's tables, in dependency order. A literal list (not read from the
    graph) so that models and tests iterating over it are parsed with every ref. -#}
{% macro contract_tables() %}
    {{ return([
        'users', 'accounts', 'leads', 'opportunity_stages', 'opportunities', 'opportunity_history',
        'forecasts', 'quotas', 'activities', 'subscriptions', 'invoices', 'payments', 'expenses',
        'lead_sources', 'fx_rates', 'product_usage',
    ]) }}
{% endmacro %}
