export { ChunkedReadDecoder, type ChunkedReadDecoderOptions } from "./chunked-decoder";
export { crc32c } from "./crc32c";
export {
  CrcMismatchError,
  FrameTooLargeError,
  isPrompbError,
  MalformedError,
  PrompbError,
  type PrompbErrorCode,
  SnappyTooLargeError,
  StreamAbortedError,
  TruncatedError,
  UnsupportedChunkEncodingError,
  UnsupportedHistogramSchemaError,
} from "./errors";
export { FloatHistogramChunkIterator } from "./float-histogram-chunk";
export { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameReader } from "./frames";
export {
  type BucketSpan,
  type FloatHistogram,
  type Histogram,
  type IntegerHistogram,
  ResetHint,
} from "./histogram";
export { HistogramChunkIterator } from "./histogram-chunk";
export {
  encodeReadRequest,
  type LabelMatcher,
  MatcherType,
  type ReadQuery,
  ResponseType,
} from "./read-request";
export { type Label, type RelabelRules, SeriesRelabeler } from "./relabel";
export { type SampleVisitor, scanWriteRequest } from "./sample-scan";
export { compressBlock, snappyBackend, snappyUncompressedLength, uncompressBlock } from "./snappy";
export { ReadResponseSplicer, spliceReadResponse } from "./splice";
export {
  type BatchLimits,
  checkBatchLimits,
  DEFAULT_BATCH_LIMITS,
  releaseBatchBody,
  type WriteBatch,
} from "./write-batch";
export {
  countWriteRequest,
  type DecodedSample,
  type DecodedSeries,
  decodeWriteRequest,
  encodeWriteRequest,
  type WriteRequestCounts,
  type WriteSample,
  type WriteSeries,
} from "./write-request";
export { ChunkEncoding, XorChunkIterator } from "./xor-chunk";
