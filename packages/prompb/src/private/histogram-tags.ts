// Field tags (field number << 3 | wire type) of `prometheus.Histogram` and `prometheus.BucketSpan`.

export const HistogramTag = {
  COUNT_INT: 0x08, // 1, varint
  COUNT_FLOAT: 0x11, // 2, fixed64
  SUM: 0x19, // 3, fixed64
  SCHEMA: 0x20, // 4, sint32
  ZERO_THRESHOLD: 0x29, // 5, fixed64
  ZERO_COUNT_INT: 0x30, // 6, varint
  ZERO_COUNT_FLOAT: 0x39, // 7, fixed64
  NEGATIVE_SPANS: 0x42, // 8, BucketSpan
  NEGATIVE_DELTAS: 0x4a, // 9, packed sint64
  NEGATIVE_DELTA: 0x48, // 9, one unpacked sint64
  NEGATIVE_COUNTS: 0x52, // 10, packed double
  NEGATIVE_COUNT: 0x51, // 10, one unpacked double
  POSITIVE_SPANS: 0x5a, // 11, BucketSpan
  POSITIVE_DELTAS: 0x62, // 12, packed sint64
  POSITIVE_DELTA: 0x60, // 12, one unpacked sint64
  POSITIVE_COUNTS: 0x6a, // 13, packed double
  POSITIVE_COUNT: 0x69, // 13, one unpacked double
  RESET_HINT: 0x70, // 14, enum
  TIMESTAMP: 0x78, // 15, int64
} as const;

export const SpanTag = {
  OFFSET: 0x08, // 1, sint32
  LENGTH: 0x10, // 2, uint32
} as const;
