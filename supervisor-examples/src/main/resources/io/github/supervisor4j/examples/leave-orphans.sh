# leave-orphans.sh OUT N: leaves orphans behind, like zombie_demo.c of the Kubernetes pause
# write-up: it starts N children in the background and exits at once, before any of them.
# The kernel re-parents them to the nearest subreaper or to PID 1, which must reap them when
# they exit a second later. For each child it appends "<pid> <status it will end with>" to
# OUT, so that the app can check what it reaps. Child N is a daemon that does not exit by
# itself: the app's graceful shutdown has to stop it.
out=$1
n=${2:-3}
i=1
while [ "$i" -lt "$n" ]; do
  if [ "$i" -eq 2 ]; then
    sh -c 'sleep 1; kill -TERM $$' &
    echo "$! killed by SIGTERM" >>"$out"
  else
    sh -c "sleep 1; exit $((10 + i))" &
    echo "$! exited $((10 + i))" >>"$out"
  fi
  i=$((i + 1))
done
sh -c 'exec sleep 3600' &
echo "$! daemon" >>"$out"
echo "leave-orphans.sh (pid $$): started $n children in the background; exiting before them"
