package io.infnet.jobs.dist;

import java.io.Serializable;

/**
 * Everything a training worker needs besides its rows, shipped with the barrier stage: the recorded config and
 * feature schema (as JSON), the data layout, where checkpoints go.
 */
record WorkerPlan(String configJson, String schemaJson, long rows, int workers, int blockSize, int checkpointEvery,
    String checkpointDir, HadoopConfBytes hadoopConf) implements Serializable {}
