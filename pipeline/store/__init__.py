"""All SQL of the application, one module per area. Parameterised queries only."""
