"""RevOps metrics runner: builds the dbt project and exports its marts."""
