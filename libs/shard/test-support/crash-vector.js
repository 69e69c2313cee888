// The vector the crash writer stores for point `id`: distinct per id, reproducible by the test.
exports.crashVector = (id, dim) =>
  Array.from({ length: dim }, (_, d) => (((id + 1) * 2654435761 + d * 40503) % 1000003) / 1000003);
