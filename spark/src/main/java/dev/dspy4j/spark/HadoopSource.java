package dev.dspy4j.spark;

import dev.dspy4j.media.PayloadSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A payload's bytes in any Hadoop file system ({@code file:}, {@code hdfs:}, {@code s3a:}, ...), read
 * on the executor that runs the row: a stream per {@link #open()} (the digest reads it once, the wire
 * once more on a cache miss), never the whole file on the heap. The size and modification time are
 * taken once, and {@link #checkUnchanged()} compares them again before the bytes are sent.
 */
final class HadoopSource implements PayloadSource {
    private final Path path;
    private final Configuration conf;
    private FileStatus status;

    HadoopSource(Path path, Configuration conf) {
        this.path = path;
        this.conf = conf;
    }

    @Override
    public synchronized long size() throws IOException {
        if (status == null) status = stat();
        return status.getLen();
    }

    @Override
    public InputStream open() throws IOException {
        try {
            return path.getFileSystem(conf).open(path);
        } catch (FileNotFoundException e) {
            throw noSuchFile(e);
        }
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public synchronized void checkUnchanged() throws IOException {
        if (status == null) return;
        FileStatus now = stat();
        if (now.getLen() != status.getLen() || now.getModificationTime() != status.getModificationTime()) {
            throw new IOException(path + " changed after it was first read (" + status.getLen() + " bytes then, "
                    + now.getLen() + " now)");
        }
    }

    private FileStatus stat() throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        try {
            FileStatus s = fs.getFileStatus(path);
            if (s.isDirectory()) throw new IOException(path + " is a directory, not a file");
            return s;
        } catch (FileNotFoundException e) {
            throw noSuchFile(e);
        }
    }

    private NoSuchFileException noSuchFile(FileNotFoundException e) {
        NoSuchFileException n = new NoSuchFileException(path.toString());
        n.initCause(e);
        return n;
    }
}
