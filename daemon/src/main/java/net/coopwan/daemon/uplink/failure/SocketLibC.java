package net.coopwan.daemon.uplink.failure;

import jnr.ffi.annotations.IgnoreError;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/** The few libc socket calls the probers need, bound by jnr-ffi (Java has no raw sockets and no SO_BINDTODEVICE). */
public interface SocketLibC {

    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int setsockopt(int fd, int level, int optname, @In byte[] optval, int optlen);

    /** {@code bind(fd, struct sockaddr_in *, 16)}. */
    @SaveError
    int bind(int fd, @In byte[] addr, int addrlen);

    /** {@code connect(fd, struct sockaddr_in *, 16)}. */
    @SaveError
    int connect(int fd, @In byte[] addr, int addrlen);

    @SaveError
    @ssize_t
    long sendto(int fd, @In byte[] buf, @size_t long len, int flags, @In byte[] addr, int addrlen);

    /** {@code recvfrom}; {@code addrlen} is a one-element in/out array. */
    @SaveError
    @ssize_t
    long recvfrom(int fd, @Out byte[] buf, @size_t long len, int flags, @Out byte[] addr, @In @Out int[] addrlen);

    @IgnoreError
    int close(int fd);

    String strerror(int errnum);
}
