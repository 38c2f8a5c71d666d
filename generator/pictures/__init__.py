"""Build-time pictures: SVG drawn from the model, no JavaScript, no network."""
