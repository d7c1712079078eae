"""Coordinate reference systems of the cache: every geometry is stored in UTM 33N (metres)."""
#: EPSG:25833 (ETRS89 / UTM zone 33N), Kartverket's national projection: distances and areas in metres.
METRIC_CRS = 25833
#: EPSG:4326 (WGS84 longitude/latitude), what web maps draw.
WEB_CRS = 4326
