package net.coopwan.daemon.tun;

import java.nio.ByteBuffer;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;
import jnr.ffi.types.u_int64_t;
import jnr.ffi.types.uintptr_t;
import jnr.ffi.annotations.IgnoreError;

/** The few libc calls a TUN needs, bound by jnr-ffi. */
public interface LibC {

    @SaveError
    int open(String path, int flags);

    @IgnoreError
    int close(int fd);

    /** {@code ioctl(fd, request, struct ifreq *)}: the 40-byte ifreq is copied in and back out. */
    @SaveError
    int ioctl(int fd, @uintptr_t long request, @In @Out byte[] ifreq);

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    @ssize_t
    long read(int fd, @Out ByteBuffer buf, @size_t long count);

    @SaveError
    @ssize_t
    long write(int fd, @In ByteBuffer buf, @size_t long count);

    /** {@code poll(struct pollfd *fds, nfds, timeout)}: 8 bytes per fd (int fd, short events, short revents). */
    @SaveError
    int poll(@In @Out byte[] fds, @u_int64_t long nfds, int timeoutMillis);

    @SaveError
    int fcntl(int fd, int cmd, int arg);

    String strerror(int errnum);
}
