"""The pictures the site draws, by the names the renderer looks up (see `publish.pictures`).

Each lives in its own module: `stage_cycle`, `engagement_map` (placed by `map_layout`) and
`metric_charts`, all built on the shared helpers in `svgbase`.
"""

from __future__ import annotations

from generator.pictures.engagement_map import engagement_map, engagement_text
from generator.pictures.metric_charts import metric_chart, sparkline
from generator.pictures.stage_cycle import stage_cycle

__all__ = ["engagement_map", "engagement_text", "metric_chart", "sparkline", "stage_cycle"]
