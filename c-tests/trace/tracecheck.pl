#!/usr/bin/perl
# Parsing and checking of strace-format trace lines for c-tests/trace/run.sh.
# One tool, several subcommands (perl is there wherever prove is):
#
#   normalize [FILE...]          normalised lines on stdout (see normalize())
#   parse FILE...                every line must parse as one call; prints
#                                "lines N bad M" and the first bad lines
#   strace-compare STRACE SHIM   compares sockshim's text trace with strace's
#                                decoding of the same run, call by call,
#                                argument by argument where they overlap
#   tags PREFIX FIRST LAST COUNT FILE...
#                                payload tags "PREFIX<ww>:<sssssss>." of
#                                writers ww = FIRST..LAST, seq 0..COUNT-1:
#                                each exactly once in a send line and once
#                                in a recv line; and every line must parse
#   fdclass EXPECTED TRACE       the read/write/close lines of TRACE against
#                                the "E call fd [text]" lines of EXPECTED
#   json JSONL GOLDEN            JSON lines against a golden text trace: one
#                                object per line, the same functions, return
#                                values and errno names in the same order
#   resolve EXPECTED FILE [json]
#                                the name-resolution events of FILE (text, or
#                                JSON lines) against what progs/resolve.c saw
#                                (EXPECTED: its output), call by call: inputs,
#                                return codes, result addresses in order
#   from-strace [--yy] [--keep PREFIX]... STRACE
#                                strace's syscall-level lines turned into the
#                                libc-level lines sockshim is expected to
#                                print (how golden/*.txt are derived)
#
# Exit status 0 when the check passes; diagnostics on stdout as "# " lines.
use strict;
use warnings;

my $NAME = qr/[a-z_][a-z0-9_]*/;

# Splits "a, {b, c}, [d, e], "f, g"" at top-level commas.
sub split_args {
    my ($s) = @_;
    my @out;
    my ($depth, $cur, $inq) = (0, '', 0);
    my @c = split //, $s;
    for (my $i = 0; $i < @c; $i++) {
        my $ch = $c[$i];
        if ($inq) {
            $cur .= $ch;
            if ($ch eq '\\' && $i + 1 < @c) { $cur .= $c[++$i]; next }
            $inq = 0 if $ch eq '"';
            next;
        }
        if ($ch eq '"') { $inq = 1; $cur .= $ch; next }
        if ($ch eq '-' && $i + 1 < @c && $c[$i + 1] eq '>') { $cur .= '->'; $i++; next }    # -yy "a->b"
        if ($ch =~ /[\(\[\{<]/) { $depth++ }
        if ($ch =~ /[\)\]\}>]/) { $depth-- if $depth > 0 }
        if ($ch eq ',' && $depth == 0) {
            $cur =~ s/^\s+|\s+$//g;
            push @out, $cur;
            $cur = '';
            next;
        }
        $cur .= $ch;
    }
    $cur =~ s/^\s+|\s+$//g;
    push @out, $cur if $cur ne '' || @out;
    return @out;
}

# Finds the ')' closing the '(' at $start, skipping strings.
sub close_paren {
    my ($s, $start) = @_;
    my ($depth, $inq) = (0, 0);
    for (my $i = $start; $i < length $s; $i++) {
        my $ch = substr($s, $i, 1);
        if ($inq) {
            if ($ch eq '\\') { $i++; next }
            $inq = 0 if $ch eq '"';
            next;
        }
        if ($ch eq '"') { $inq = 1; next }
        $depth++ if $ch eq '(';
        if ($ch eq ')') { $depth--; return $i if $depth == 0 }
    }
    return -1;
}

# Parses one trace line into a hash:
#   pid (or undef), ts (or undef), name, args (array ref), argtext,
#   ret (text after " = ", without a -T duration), dur (or undef)
# Accepts strace's "PID " and "[pid PID] " prefixes and -t/-tt/-ttt stamps.
# Returns undef for a line that is not a complete call.
sub parse_line {
    my ($l) = @_;
    my %r;
    $l =~ s/\r?\n$//;
    if ($l =~ s/^\[pid\s+(\d+)\]\s+//) { $r{pid} = $1 }
    elsif ($l =~ s/^(\d+)\s+(?=\d|[a-z_])//) { $r{pid} = $1 }
    if ($l =~ s/^(\d\d:\d\d:\d\d(?:\.\d{6})?|\d+\.\d{6})\s+//) { $r{ts} = $1 }
    return undef unless $l =~ /^($NAME)\(/;
    $r{name} = $1;
    my $open = length($1);
    my $close = close_paren($l, $open);
    return undef if $close < 0;
    $r{argtext} = substr($l, $open + 1, $close - $open - 1);
    $r{args} = [split_args($r{argtext})];
    my $rest = substr($l, $close + 1);
    return undef unless $rest =~ s/^\s*=\s+//;
    if ($rest =~ s/\s+<(\d+\.\d+)>$//) { $r{dur} = $1 }
    # value [<fd annotation>] [ ERRNO (message)] [ (detail)], or an entry
    # pointer's `{...}` / `NULL` (getservbyname)
    return undef unless $rest =~ /^(?:-?\d+|0x[0-9a-f]+|\?|NULL$|\{.*\}$)(?:<(?:->|[^<>])*>)?(?: E[A-Z0-9_]+(?: \([^()]*\))?)?(?: \(.*\))?$/;
    $r{ret} = $rest;
    return \%r;
}

# Replaces what varies from run to run with fixed words:
#   timestamps -> TS, durations -> <DUR>, nonzero ports -> PORT,
#   socket inode numbers in -yy annotations -> INODE, user-space pointers
#   -> 0xADDR, strace's column padding before " = " -> one space,
#   pid prefixes -> removed.
sub normalize {
    my ($l) = @_;
    $l =~ s/\r?\n$//;
    $l =~ s/^\[pid\s+\d+\]\s+//;
    $l =~ s/^\d+\s+(?=\d\d:|[a-z_]+\()//;
    $l =~ s/^(\d\d:\d\d:\d\d(?:\.\d{6})?|\d+\.\d{6})\s+/TS /;
    $l =~ s/\s+<\d+\.\d+>$/ <DUR>/;
    $l =~ s/htons\(([1-9]\d*)\)/htons(PORT)/g;
    $l =~ s/(\d+\.\d+\.\d+\.\d+|\]):([1-9]\d*)/$1:PORT/g;    # -yy "127.0.0.1:40000", "[::1]:40000"
    $l =~ s/:\[\d+(?=[,\]-])/:[INODE/g;                        # UNIX-STREAM:[351174,...]
    $l =~ s/->(\d+)(?=[,\]])/->INODE/g;
    $l =~ s/\b0x7f[0-9a-f]{8,}\b/0xADDR/g;
    $l =~ s/\)\s+= /) = /;
    return $l;
}

sub slurp {
    my ($f) = @_;
    open my $fh, '<', $f or die "tracecheck: $f: $!\n";
    my @l = <$fh>;
    close $fh;
    chomp @l;
    return @l;
}

sub cmd_normalize {
    my @files = @_ ? @_ : ('-');
    for my $f (@files) {
        my @l = $f eq '-' ? <STDIN> : slurp($f);
        print normalize($_), "\n" for @l;
    }
    return 0;
}

# A whole line of the common simple shape (no parentheses or braces in
# the arguments, at most strings and brackets), checked by one regex: the
# stress tests have millions of these.
my $SIMPLE = qr/^(?:\[pid\s+\d+\]\s+)?(?:\d\d:\d\d:\d\d(?:\.\d{6})?\s+)?[a-z_][a-z0-9_]*\((?:[^"(){}]|"(?:[^"\\]|\\.)*"(?:\.\.\.)?)*\)\s*= (?:-?\d+|0x[0-9a-f]+)(?: E[A-Z0-9]+ \([^()]*\))?(?: <\d+\.\d+>)?$/;

sub cmd_parse {
    my ($lines, $bad) = (0, 0);
    for my $f (@_) {
        open my $fh, '<', $f or die "tracecheck: $f: $!\n";
        while (my $l = <$fh>) {
            chomp $l;
            $lines++;
            next if $l =~ $SIMPLE || parse_line($l);
            $bad++;
            print "# unparsable line in $f: ", substr($l, 0, 200), "\n" if $bad <= 5;
        }
        close $fh;
    }
    print "# lines $lines bad $bad\n";
    return $bad ? 1 : 0;
}

# ---- strace comparison ---------------------------------------------------
# strace -yy decorates descriptors: "3<TCP:[...]>". Returns (fd, is_socket).
sub strace_fd {
    my ($a) = @_;
    return ($1, $2) if $a =~ /^(-?\d+)(?:<(.*)>)?$/s;
    return (undef, undef);
}

sub is_socket_annotation {
    my ($ann) = @_;
    return defined $ann && $ann =~ /^(?:TCP|TCPv6|UDP|UDPv6|UNIX|UNIX-STREAM|UNIX-DGRAM|UNIX-SEQPACKET|NETLINK|socket):/;
}

# strips strace's -y/-yy annotations after every descriptor number
sub strip_fd_annotations {
    my ($s) = @_;
    1 while $s =~ s/(?<![\w.])(-?\d+)<(?:->|[^<>])*>/$1/g;
    return $s;
}

my %SYSCALL_OF = (    # libc name => [syscall, its args from the C args, how many to compare]
    send           => ['sendto',   sub { (@_, 'NULL', '0') }],
    recv           => ['recvfrom', sub { (@_, 'NULL', 'NULL') }],
    __recv_chk     => ['recvfrom', sub { (@_[0, 1, 2, 4], 'NULL', 'NULL') }],
    __recvfrom_chk => ['recvfrom', sub { @_[0, 1, 2, 4, 5, 6] }],
    __read_chk     => ['read',     sub { @_[0, 1, 2] }],
    __poll_chk     => ['poll',     sub { @_[0, 1, 2] }],
    # select's timeout is a struct timeval, pselect6's a timespec
    select         => ['pselect6', sub { (@_[0 .. 3]) }, 4],
    # pselect's sigmask is a pointer, pselect6's a {sigmask, size} pair
    pselect        => ['pselect6', sub { (@_[0 .. 4]) }, 5],
);
# how many leading arguments of the syscall the two sides both decode
my %COMPARE_ARGS = (ppoll => 4, epoll_pwait => 5);

# The tracer's own system calls (describing a descriptor it was handed,
# e.g. by SCM_RIGHTS or inheritance): strace sees them, the program did not
# make them.  Skipped when they are where the two sides differ.
sub tracer_own {
    my ($p) = @_;
    return 1 if $p->{name} eq 'getsockopt' && ($p->{args}[2] // '') =~ /^SO_(DOMAIN|TYPE|PROTOCOL)$/;
    return 1 if $p->{name} =~ /^(getsockname|getpeername)$/;
    return 1 if $p->{name} eq 'fcntl' && ($p->{args}[1] // '') =~ /^F_GET/;
    return 0;
}

# Syscalls the comparison looks at; for read/write/readv/writev/close only
# the calls on sockets count (sockshim traces those on sockets only).
my %FD_CLASSIFIED = map { $_ => 1 } qw(read write readv writev close dup dup2 dup3 fcntl);
# sockshim traces these library functions, which make no system call of
# their own that strace could show under the same name
my %LIBRARY_ONLY = map { $_ => 1 } qw(getaddrinfo getnameinfo gethostbyname gethostbyname2 gethostbyaddr);

# sockatmark(fd) is glibc's ioctl(fd, SIOCATMARK, &answer), returning the
# answer: strace's ioctl line as the libc call sockshim traces. Other
# ioctls are none of sockshim's calls (undef).
sub ioctl_as_libc {
    my ($p) = @_;
    return $p unless $p->{name} eq 'ioctl';
    return undef unless ($p->{args}[1] // '') eq 'SIOCATMARK';
    my %q = (%$p, name => 'sockatmark', args => [ $p->{args}[0] ], argtext => $p->{args}[0]);
    $q{ret} = $1 if $p->{ret} eq '0' && ($p->{args}[2] // '') =~ /^\[(-?\d+)\]$/;
    return \%q;
}

sub cmd_strace_compare {
    my ($sfile, $mfile) = @_;
    my @s;
    for my $l (slurp($sfile)) {
        my $p = parse_line($l) or next;
        $p = ioctl_as_libc($p) or next;
        next if $p->{name} =~ /^(?:exit|exit_group)$/;
        if ($FD_CLASSIFIED{ $p->{name} }) {
            my (undef, $ann) = strace_fd($p->{args}[0] // '');
            next unless is_socket_annotation($ann);
        }
        push @s, $p;
    }
    my @m;
    for my $l (slurp($mfile)) {
        my $p = parse_line($l);
        unless ($p) {
            print "# sockshim line does not parse: $l\n";
            return 1;
        }
        push @m, $p unless $LIBRARY_ONLY{ $p->{name} };
    }
    my ($fail, $cmp_args, $own) = (0, 0, 0);
    my ($i, $j) = (0, 0);    # strace's, sockshim's
    while ($i < @s || $j < @m) {
        my ($sp, $mp) = ($s[$i], $m[$j]);
        if (!$sp || !$mp) {
            if ($sp && tracer_own($sp)) { $own++; $i++; next }
            print "# call $j: only ", ($sp ? "strace" : "sockshim"), " has: ",
              ($sp ? normalize("$sp->{name}($sp->{argtext})") : normalize("$mp->{name}($mp->{argtext})")), "\n";
            $fail++;
            last;
        }
        my ($name, @margs) = ($mp->{name}, @{ $mp->{args} });
        my $k;
        if (my $map = $SYSCALL_OF{$name}) {
            $name = $map->[0];
            @margs = $map->[1]->(@margs);
            $k = $map->[2];
        }
        my @sargs = map { strip_fd_annotations($_) } @{ $sp->{args} };
        if ($name ne $sp->{name} || ($name eq 'getsockopt' && tracer_own($sp) && ($margs[2] // '') ne $sargs[2])) {
            if (tracer_own($sp)) { $own++; $i++; next }
            print "# call $j: sockshim $mp->{name} (as $name) but strace $sp->{name}\n";
            print "#   strace:   ", normalize("$sp->{name}($sp->{argtext})"), "\n";
            print "#   sockshim: ", normalize("$mp->{name}($mp->{argtext})"), "\n";
            $fail++;
            last;
        }
        $k //= $COMPARE_ARGS{$name} // (@sargs < @margs ? scalar @sargs : scalar @margs);
        for my $x (0 .. $k - 1) {
            my ($a, $b) = (normalize($sargs[$x] // '<missing>'), normalize($margs[$x] // '<missing>'));
            $cmp_args++;
            next if $a eq $b;
            print "# call $j $mp->{name} arg ", $x + 1, ": strace '$a' sockshim '$b'\n";
            $fail++;
        }
        # return value and errno name: "-1 EAGAIN (...)" / "5"
        my ($sr) = $sp->{ret} =~ /^(\S+(?: E[A-Z0-9]+)?)/;
        my ($mr) = $mp->{ret} =~ /^(\S+(?: E[A-Z0-9]+)?)/;
        $sr = strip_fd_annotations($sr);
        $mr = strip_fd_annotations($mr);
        if ($sr ne $mr) {
            print "# call $j $mp->{name}: returns strace '$sp->{ret}' sockshim '$mp->{ret}'\n";
            $fail++;
        }
        $i++;
        $j++;
    }
    print "# compared ", scalar(@m), " sockshim calls with ", scalar(@s), " strace calls ($own of them the tracer's own), $cmp_args arguments, $fail differences\n";
    return $fail ? 1 : 0;
}

# ---- payload tags --------------------------------------------------------
# Counts send/recv lines per tag "PREFIX<2 digits writer>:<7 digits seq>";
# writers FIRST..LAST, COUNT each: every tag must occur once as a send and
# once as a recv.
sub cmd_tags {
    my ($prefix, $first, $last, $count, @files) = @_;
    my (%send, %recv, $dup, $other, $lines);
    ($dup, $other, $lines) = (0, 0, 0);
    for my $f (@files) {
        open my $fh, '<', $f or die "tracecheck: $f: $!\n";
        while (my $l = <$fh>) {
            chomp $l;
            $lines++;
            # the common case in one regex; anything else parsed in full
            if (my ($fn, $tag) = $l =~ /^(?:\[pid\s+\d+\]\s+)?(send|recv)\(\d+, "(\Q$prefix\E\d+:\d+)\.", /) {
                if ($l =~ $SIMPLE) {
                    my $h = $fn eq 'send' ? \%send : \%recv;
                    $dup++ if $h->{$tag}++;
                    next;
                }
            }
            my $p = parse_line($l) or do {
                print "# unparsable line: ", substr($l, 0, 200), "\n" if ++$other <= 5;
                next;
            };
            next unless $p->{name} =~ /^(send|recv)$/;
            my $h = $1 eq 'send' ? \%send : \%recv;
            next unless $p->{argtext} =~ /"(\Q$prefix\E\d+:\d+)\./;
            $dup++ if $h->{$1}++;
        }
        close $fh;
    }
    my $missing = 0;
    for my $w ($first .. $last) {
        for my $s (0 .. $count - 1) {
            my $tag = sprintf("%s%02d:%07d", $prefix, $w, $s);
            for my $h (\%send, \%recv) {
                next if $h->{$tag};
                print "# missing $tag\n" if $missing < 5;
                $missing++;
            }
        }
    }
    my $want = ($last - $first + 1) * $count;
    printf "# %s: %d sends, %d recvs (want %d each), %d missing, %d duplicated; %d lines, %d unparsable\n",
      $prefix, scalar(keys %send), scalar(keys %recv), $want, $missing, $dup, $lines, $other;
    return ($missing || $dup || $other || keys(%send) != $want || keys(%recv) != $want) ? 1 : 0;
}

# ---- descriptor classification ------------------------------------------
sub cmd_fdclass {
    my ($efile, $tfile) = @_;
    my @want = map { s/^E //r } grep { /^E / } slurp($efile);
    my @got;
    for my $l (slurp($tfile)) {
        my $p = parse_line($l) or next;
        next unless $p->{name} =~ /^(read|write|close)$/;
        my $fd = $p->{args}[0];
        if ($p->{name} eq 'write') {
            my ($text) = ($p->{args}[1] // '') =~ /^"(.*)"(?:\.\.\.)?$/;
            push @got, "write $fd " . ($text // $p->{args}[1]);
        }
        else {
            push @got, "$p->{name} $fd";
        }
    }
    my $bad = 0;
    my $n = @want > @got ? @want : @got;
    for my $i (0 .. $n - 1) {
        my ($w, $g) = ($want[$i] // '(nothing)', $got[$i] // '(nothing)');
        next if $w eq $g;
        print "# read/write/close #", $i + 1, ": want '$w', traced '$g'\n";
        $bad++;
        last if $bad >= 5;
    }
    printf "# %d expected, %d traced read/write/close calls\n", scalar @want, scalar @got;
    return $bad ? 1 : 0;
}

# ---- golden files from strace -------------------------------------------
# Keeps the calls sockshim traces (read/write/readv/writev/close only on a
# socket, by strace's -yy annotation; nothing before the program's first
# socket call, which is the dynamic loader's work) and names them as the
# program called them:
#   sendto(fd, buf, len, flags, NULL, 0)     -> send(fd, buf, len, flags)
#   recvfrom(fd, buf, len, flags, NULL, NULL) -> recv(fd, buf, len, flags)
#     (except lines starting with a --keep PREFIX: the program called
#     sendto/recvfrom itself)
#   pselect6(..., NULL)                      -> select(...), the timeout
#     and "left" in strace's struct timeval form (tv_usec)
#   pselect6(..., {sigmask=NULL, ...})       -> pselect(..., NULL)
#   ppoll(..., sigsetsize), epoll_pwait(..., sigsetsize): without the
#     sigsetsize argument, which the C functions do not have, and for ppoll
#     and pselect without the "left {...}" of the result (the C functions
#     take a const timeout; the caller's is not updated)
# Without --yy the descriptor annotations are removed; with it, those of
# descriptors that are not sockets.  The result is
# normalised (tracecheck normalize) like the traces it is compared with.
sub cmd_from_strace {
    my ($yy, @keep);
    while (@_ && $_[0] =~ /^--/) {
        my $o = shift;
        if ($o eq '--yy') { $yy = 1 }
        elsif ($o eq '--keep') { push @keep, shift }
        else { die "from-strace: unknown option $o\n" }
    }
    my ($file) = @_;
    my $started = 0;
    for my $l (slurp($file)) {
        my $p = parse_line($l) or next;
        $p = ioctl_as_libc($p) or next;
        my $name = $p->{name};
        $started ||= $name =~ /^(socket|socketpair)$/;
        next unless $started;
        next unless $name =~ /^(socket|socketpair|bind|listen|accept4?|connect|shutdown|sockatmark|getsockname|getpeername|[gs]etsockopt|sendto|recvfrom|sendm?msg|recvm?msg|read|write|readv|writev|close|poll|ppoll|pselect6|epoll_create1?|epoll_ctl|epoll_wait|epoll_pwait|dup[23]?|fcntl|close_range)$/;
        if ($FD_CLASSIFIED{$name}) {
            my (undef, $ann) = strace_fd($p->{args}[0] // '');
            next unless is_socket_annotation($ann);
        }
        my @a = @{ $p->{args} };
        my $ret = $p->{ret};
        my $kept = grep { index("$name(" . join(', ', @a), $_) == 0 || index(strip_fd_annotations("$name(" . join(', ', @a)), $_) == 0 } @keep;
        if ($name eq 'sendto' && @a == 6 && $a[4] eq 'NULL' && $a[5] eq '0' && !$kept) {
            ($name, @a) = ('send', @a[0 .. 3]);
        }
        elsif ($name eq 'recvfrom' && @a == 6 && $a[4] eq 'NULL' && $a[5] eq 'NULL' && !$kept) {
            ($name, @a) = ('recv', @a[0 .. 3]);
        }
        elsif ($name eq 'pselect6' && @a == 6 && $a[5] eq 'NULL') {
            $name = 'select';
            @a = @a[0 .. 4];
            s/tv_nsec=(\d+)/'tv_usec=' . int($1 \/ 1000)/ge for $a[4], $ret;
        }
        elsif ($name eq 'pselect6' && @a == 6 && $a[5] =~ /^\{sigmask=(\S+?),/) {
            $name = 'pselect';
            $a[5] = $1;
        }
        elsif (($name eq 'ppoll' && @a == 5) || ($name eq 'epoll_pwait' && @a == 6)) {
            pop @a;
        }
        # ppoll and pselect take a const timeout: the C functions give the
        # caller no "left" (glibc copies it; the kernel updates the copy)
        $ret =~ s/, left \{[^}]*\}\)$/)/ if $name eq 'ppoll' || $name eq 'pselect';
        my $line = "$name(" . join(', ', @a) . ") = $ret";
        if ($yy) {
            # sockshim describes sockets only (pipes and epoll descriptors
            # stay bare numbers)
            1 while $line =~ s/(?<![\w.])(-?\d+)<((?:->|[^<>])*)>/is_socket_annotation($2) ? "$1\x{1}$2\x{2}" : $1/e;
            $line =~ tr/\x{1}\x{2}/<>/;
        }
        else {
            $line = strip_fd_annotations($line);
        }
        print normalize($line), "\n";
    }
    return 0;
}

# ---- JSON lines ----------------------------------------------------------
sub cmd_json {
    my ($jfile, $gfile) = @_;
    require JSON::PP;
    my $js = JSON::PP->new;
    my @g = map { parse_line($_) } slurp($gfile);
    my @j = slurp($jfile);
    my ($bad, %pids) = (0);
    for my $i (0 .. ($#g > $#j ? $#g : $#j)) {
        my ($gl, $jl) = ($g[$i], $j[$i]);
        if (!defined $gl || !defined $jl) {
            print "# line ", $i + 1, ": only ", ($gl ? "the golden" : "the JSON"), " has a call\n";
            $bad++;
            last;
        }
        my $o = eval { $js->decode($jl) };
        if (ref $o ne 'HASH') {
            print "# line ", $i + 1, ": not a JSON object: ", substr($jl, 0, 200), "\n";
            $bad++;
            next;
        }
        my ($want_ret, $want_errno) = $gl->{ret} =~ /^(-?\d+)(?:<[^ ]*)?(?: (E[A-Z0-9]+))?/;
        my $got = join ' ', $o->{func} // '?', $o->{ret} // '?', $o->{errno} // '-';
        my $want = join ' ', $gl->{name}, $want_ret // '?', $want_errno // '-';
        $pids{ ($o->{pid} // '?') . '/' . ($o->{tid} // '?') }++;
        next if $got eq $want;
        print "# line ", $i + 1, ": JSON '$got', golden '$want'\n";
        last if ++$bad >= 10;
    }
    my @p = keys %pids;
    if (@p != 1 || $p[0] !~ m{^(\d+)/\1$}) {
        print "# pid/tid pairs: @p (want one, pid = tid)\n";
        $bad++;
    }
    printf "# %d JSON objects, %d golden calls\n", scalar @j, scalar @g;
    return $bad ? 1 : 0;
}

# ---- name resolution -----------------------------------------------------
# glibc's <netdb.h>/<sys/socket.h> values of the names the trace prints.
my %RNUM = (
    AF_UNSPEC => 0, AF_INET => 2, AF_INET6 => 10,
    SOCK_STREAM => 1, SOCK_DGRAM => 2, SOCK_RAW => 3,
    IPPROTO_IP => 0, IPPROTO_TCP => 6, IPPROTO_UDP => 17,
    HOST_NOT_FOUND => 1, TRY_AGAIN => 2, NO_RECOVERY => 3, NO_DATA => 4, NETDB_INTERNAL => -1, NETDB_SUCCESS => 0,
    NI_NUMERICHOST => 1, NI_NUMERICSERV => 2, NI_NOFQDN => 4, NI_NAMEREQD => 8, NI_DGRAM => 16,
);
sub rnum {    # "NI_NUMERICHOST|NI_NUMERICSERV", "0x1000", "AF_INET" -> number
    my $t = 0;
    for my $w (split /\|/, $_[0]) {
        $w =~ s/^\s+|\s+$//g;
        $t += $w =~ /^0x/ ? hex $w : $w =~ /^-?\d+$/ ? $w : ($RNUM{$w} // return "?$w");
    }
    return $t;
}
sub rstr { my ($a) = @_; return $a eq 'NULL' ? 'NULL' : $a =~ /^"(.*)"$/ ? $1 : "?$a" }
sub rendpoint {    # "[::1]:443" / "127.0.0.1:80" -> "::1 443"
    my ($e) = @_;
    return "$1 $2" if $e =~ /^"?\[(.*)\]:(\d+)"?$/ || $e =~ /^"?([^:"]*):(\d+)"?$/;
    return "?$e";
}

# One text line -> the EXPECTED form (see progs/resolve.c).
sub resolve_text {
    my ($r) = @_;
    my @a = @{ $r->{args} };
    my ($rc) = $r->{ret} =~ /^(-?\d+)/;
    if ($r->{name} eq 'getaddrinfo') {
        my $l = sprintf 'gai %s %s -> %s', rstr($a[0]), rstr($a[1]), $rc;
        if ($rc == 0) {
            while ($a[3] =~ /\{(\w+), (\w+), (\w+), ("[^"]*")\}/g) {
                $l .= join ' ', '', rnum($1), rnum($2), rnum($3), rendpoint($4);
            }
        }
        return $l;
    }
    if ($r->{name} eq 'getnameinfo') {
        my ($addr) = $a[0] =~ /inet_addr\("([^"]*)"\)|inet_pton\(AF_INET6, "([^"]*)"/;
        $addr //= ($a[0] =~ /inet_pton\(AF_INET6, "([^"]*)"/)[0] // '?';
        my ($port) = $a[0] =~ /htons\((\d+)\)/;
        my ($h, $s) = $rc == 0 ? (rstr($a[2]), rstr($a[4])) : ('-', '-');
        return sprintf 'gni %s %s %s -> %s %s %s', $addr, $port // '?', rnum($a[6]), $rc, $h, $s;
    }
    if ($r->{name} =~ /^gethostby(name2?|addr)$/) {
        my $l = sprintf 'ghb %s %s -> ', $r->{name}, rstr($a[0]);
        return $l . "NOTFOUND $rc" if $rc != 0;
        my ($d) = $r->{ret} =~ /^0 \((.*)\)$/;
        my ($name) = $d =~ /h_name="([^"]*)"/;
        my ($aliases) = $d =~ /h_aliases=\[([^\]]*)\]/;
        my ($addrs) = $d =~ /h_addr_list=\[([^\]]*)\]/;
        my @al = grep { length } split /, /, $aliases // '';
        $l .= join ' ', $name // '?', 0, scalar @al;
        $l .= " $1" while ($addrs // '') =~ /"([^"]*)"/g;
        return $l;
    }
    if ($r->{name} =~ /^gethostby(name2?|addr)_r$/) {
        # h_errno is shown only when the call stored it; progs/resolve.c
        # starts it at 99, which no call stores
        my ($ret, $res, $h) = $r->{ret} =~ /^(-?\d+) \(result (NULL|\{.*\})(?:, h_errno (\S+))?\)$/
            or return "unparsed: $r->{ret}";
        return "stale h_errno shown: $r->{ret}" if defined $h && $h eq '99';
        $h //= 99;
        my $l = sprintf 'ghr %s %s -> %s %s', $r->{name}, rstr($a[0]), $ret, rnum($h);
        return "$l NULL" if $res eq 'NULL';
        my ($name) = $res =~ /h_name="([^"]*)"/;
        my ($aliases) = $res =~ /h_aliases=\[([^\]]*)\]/;
        my ($addrs) = $res =~ /h_addr_list=\[([^\]]*)\]/;
        my @al = grep { length } split /, /, $aliases // '';
        $l .= join ' ', '', $name // '?', 0, scalar @al;
        $l .= " $1" while ($addrs // '') =~ /"([^"]*)"/g;
        return $l;
    }
    if ($r->{name} =~ /^get(serv|proto)by(name|port|number)(_r)?$/) {
        my ($kind, $by, $re) = ($1, $2, $3);
        # non-_r: `= {...}` / `= NULL`; _r: `= RC ({...})` / `= RC (NULL)`
        my ($ret, $res) = $re ? $r->{ret} =~ /^(-?\d+) \((.*)\)$/ : (0, $r->{ret});
        return "unparsed: $r->{ret}" unless defined $res;
        my $q = $by eq 'port' ? ($a[0] =~ /^htons\((\d+)\)$/)[0] // "?$a[0]" : $by eq 'number' ? $a[0] : rstr($a[0]);
        my $l = $kind eq 'serv' ? sprintf('srv %s %s %s -> %s', $r->{name}, $q, rstr($a[1]), $ret)
                                : sprintf('pro %s %s -> %s', $r->{name}, $q, $ret);
        return "$l NULL" if $res eq 'NULL';
        my @al;
        if ($kind eq 'serv') {
            my ($n, $al, $port, $p) = $res =~ /^\{s_name="([^"]*)", s_aliases=\[([^\]]*)\], s_port=htons\((\d+)\), s_proto="([^"]*)"\}$/
                or return "unparsed: $res";
            @al = $al =~ /"([^"]*)"/g;
            return join ' ', $l, $n, $port, $p, @al;
        }
        my ($n, $al, $num) = $res =~ /^\{p_name="([^"]*)", p_aliases=\[([^\]]*)\], p_proto=(-?\d+)\}$/
            or return "unparsed: $res";
        @al = $al =~ /"([^"]*)"/g;
        return join ' ', $l, $n, $num, @al;
    }
    return undef;
}

# One JSON object -> the EXPECTED form.
sub resolve_json {
    my ($o) = @_;
    my ($f, $a, $rc) = ($o->{func}, $o->{args}, $o->{ret});
    my $s = sub { defined $_[0] ? $_[0] : 'NULL' };
    if ($f eq 'getaddrinfo') {
        my $l = sprintf 'gai %s %s -> %s', $s->($a->{node}), $s->($a->{service}), $rc;
        if ($rc == 0) {
            for my $e (@{ $a->{res} }) {
                $l .= join ' ', '', rnum($e->{ai_family}), rnum($e->{ai_socktype}), rnum($e->{ai_protocol}),
                    $e->{ai_addr}{addr}, $e->{ai_addr}{port};
            }
        }
        return $l;
    }
    if ($f eq 'getnameinfo') {
        my ($h, $v) = $rc == 0 ? ($a->{host}, $a->{serv}) : ('-', '-');
        return sprintf 'gni %s %s %s -> %s %s %s', $a->{sa}{addr}, $a->{sa}{port}, rnum($a->{flags}), $rc, $h, $v;
    }
    if ($f =~ /^gethostby(name2?|addr)$/) {
        my $l = sprintf 'ghb %s %s -> ', $f, $f eq 'gethostbyaddr' ? $a->{addr} : $s->($a->{name});
        return $l . "NOTFOUND $rc" if $rc != 0;
        my $d = $o->{result};
        return $l . join ' ', $d->{h_name}, 0, scalar @{ $d->{h_aliases} }, @{ $d->{h_addr_list} };
    }
    if ($f =~ /^gethostby(name2?|addr)_r$/) {
        my $d = $o->{result};
        return "stale h_errno shown" if defined $d->{h_errno} && $d->{h_errno} eq '99';
        my $l = sprintf 'ghr %s %s -> %s %s', $f, $f eq 'gethostbyaddr_r' ? $a->{addr} : $s->($a->{name}), $rc,
            rnum($d->{h_errno} // 99);
        my $he = $d->{result} or return "$l NULL";
        return join ' ', $l, $he->{h_name}, 0, scalar @{ $he->{h_aliases} }, @{ $he->{h_addr_list} };
    }
    if ($f =~ /^get(serv|proto)by(name|port|number)(_r)?$/) {
        my ($kind, $by) = ($1, $2);
        my $q = $by eq 'name' ? $s->($a->{name}) : $by eq 'port' ? $a->{port} : $a->{proto};
        my $l = $kind eq 'serv' ? sprintf('srv %s %s %s -> %s', $f, $q, $s->($a->{proto}), $rc)
                                : sprintf('pro %s %s -> %s', $f, $q, $rc);
        my $e = $o->{result} or return "$l NULL";
        return join ' ', $l, $e->{s_name}, $e->{s_port}, $e->{s_proto}, @{ $e->{s_aliases} } if $kind eq 'serv';
        return join ' ', $l, $e->{p_name}, $e->{p_proto}, @{ $e->{p_aliases} };
    }
    return undef;
}

sub cmd_resolve {
    my ($efile, $tfile, $fmt) = @_;
    my @want = slurp($efile);
    my @got;
    if (($fmt // '') eq 'json') {
        require JSON::PP;
        my $js = JSON::PP->new;
        for my $l (slurp($tfile)) {
            my $o = eval { $js->decode($l) };
            if (ref $o ne 'HASH') { print "# not a JSON object: ", substr($l, 0, 200), "\n"; return 1 }
            # anything else is the resolver's own system calls, never traced
            push @got, resolve_json($o) // "not a resolution event: $o->{func}";
        }
    } else {
        for my $l (slurp($tfile)) {
            my $r = parse_line($l);
            if (!$r) { print "# does not parse: ", substr($l, 0, 200), "\n"; return 1 }
            push @got, resolve_text($r) // "not a resolution event: $r->{name}";
        }
    }
    my $bad = 0;
    for my $i (0 .. ($#want > $#got ? $#want : $#got)) {
        my ($w, $g) = ($want[$i] // '(none)', $got[$i] // '(none)');
        next if $w eq $g;
        print "# call ", $i + 1, ": program saw '$w'\n#        trace shows '$g'\n";
        last if ++$bad >= 5;
    }
    printf "# %d calls made, %d traced\n", scalar @want, scalar @got if $bad;
    return $bad ? 1 : 0;
}

my %CMD = (
    resolve          => \&cmd_resolve,
    json             => \&cmd_json,
    'from-strace'    => \&cmd_from_strace,
    normalize        => \&cmd_normalize,
    parse            => \&cmd_parse,
    'strace-compare' => \&cmd_strace_compare,
    tags             => \&cmd_tags,
    fdclass          => \&cmd_fdclass,
);
my $cmd = shift @ARGV // '';
die "usage: tracecheck.pl " . join('|', sort keys %CMD) . " ARGS...\n" unless $CMD{$cmd};
exit $CMD{$cmd}->(@ARGV);
