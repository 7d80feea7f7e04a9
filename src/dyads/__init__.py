"""dyads: news text in, political event data out."""
