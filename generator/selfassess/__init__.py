"""Self-assessment: the checklists, the rating form, responses and what they add up to."""
