namespace Gateway.Tests.Infrastructure;

/// <summary>A clock that stands still until the test moves it; its timers fire when <see cref="Advance"/> passes their time.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    private readonly List<ManualTimer> _timers = [];
    private readonly Lock _nowGate = new();
    private DateTimeOffset _now = now;

    /// <summary>Read and set under a lock: a background service may read it while a test moves it.</summary>
    public DateTimeOffset Now
    {
        get
        {
            lock (_nowGate)
            {
                return _now;
            }
        }
        set
        {
            lock (_nowGate)
            {
                _now = value;
            }
        }
    }

    public override DateTimeOffset GetUtcNow() => Now;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        lock (_timers)
        {
            _timers.Add(timer);
        }
        return timer;
    }

    /// <summary>Moves the clock on and runs, on this thread, every timer callback that falls due.</summary>
    public void Advance(TimeSpan by)
    {
        Now += by;
        List<ManualTimer> timers;
        lock (_timers)
        {
            timers = [.. _timers];
        }
        foreach (var timer in timers)
        {
            timer.FireIfDue(Now);
        }
    }

    private sealed class ManualTimer(ManualTimeProvider clock, TimerCallback callback, object? state) : ITimer
    {
        private DateTimeOffset? _due;
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            _due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.Now + dueTime;
            _period = period;
            return true;
        }

        public void FireIfDue(DateTimeOffset now)
        {
            while (_due is { } due && due <= now)
            {
                _due = _period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero ? null : due + _period;
                callback(state);
            }
        }

        public void Dispose()
        {
            _due = null;
            lock (clock._timers)
            {
                clock._timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
