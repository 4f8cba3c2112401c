package io.infnet.features.datagen;

/** What {@link DataGenerator#run} wrote: row counts and the three raw Delta tables. */
public record DatagenResult(long logRows, long userRows, long videoRows, String logPath, String usersPath, String videosPath) {}
