package io.infnet.features.datagen;

/** What {@link DataGenerator#run} wrote: row counts, the three raw Delta tables and the log's oracle (one row per log row). */
public record DatagenResult(long logRows, long userRows, long videoRows, String logPath, String usersPath, String videosPath,
    String oraclePath) {}
