/**
 * Running a saved dspy4j program over an Apache Spark {@code Dataset<Row>}, the cluster counterpart of
 * {@code dspy4j run}: {@link dev.dspy4j.spark.SparkRunner} adds one column per output field plus
 * {@code error}, {@code error_type} and {@code cached}, and a bad row gets an error instead of failing
 * the job; {@link dev.dspy4j.spark.SparkJob} is the {@code spark-submit} entry point. The program is
 * broadcast as a {@link dev.dspy4j.spark.ProgramBundle} and built once per executor JVM with its LM
 * ({@link dev.dspy4j.spark.LmFactory}, {@link dev.dspy4j.spark.ProviderLm}) and response cache
 * ({@link dev.dspy4j.spark.CacheFactory}; Redis shares answers across executors). A media column may
 * hold a path that the executor reads through Hadoop's file systems, streamed like any payload.
 */
package dev.dspy4j.spark;
