# Until `ipartnerschap seed --demo --opdrachten N` exists in the binary: N generated
# opdrachten by SQL, copies of the demo's (with their links) moved back by 1 to 9 whole years,
# extern ids GEN-<copy>-<id>. Sourced by common.sh; `generate_fallback N` on $DATABASE_URL.
generate_fallback() {
  local n=$1 sql cols
  run_sql() {
    case $DATABASE_URL in
      sqlite:*) local f=${DATABASE_URL#sqlite://}; sqlite3 "${f%%\?*}" "$1" ;;
      *) psql "$DATABASE_URL" -qtAX -v ON_ERROR_STOP=1 -c "$1" ;;
    esac
  }
  columns() {
    case $DATABASE_URL in
      sqlite:*) run_sql "SELECT group_concat(name, ' ') FROM pragma_table_info('$1')" ;;
      *) run_sql "SELECT string_agg(column_name, ' ' ORDER BY ordinal_position) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '$1'" ;;
    esac
  }
  shift_years() {
    case $DATABASE_URL in
      sqlite:*) echo "date(o.$1, '-' || (k.n % 9 + 1) || ' years')" ;;
      *) echo "(o.$1 - make_interval(years => (k.n % 9 + 1)))::date" ;;
    esac
  }
  local copies=$(( (n + 547) / 548 )) sel="" c
  cols=$(columns opdrachten)
  for c in $cols; do
    case $c in
      id) sel+="o.id + k.n * 1000000," ;;
      extern_id) sel+="'GEN-' || k.n || '-' || o.id," ;;
      startdatum | einddatum) sel+="$(shift_years $c)," ;;
      *) sel+="o.$c," ;;
    esac
  done
  local keys="WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < $copies)"
  run_sql "INSERT INTO opdrachten (${cols// /,}) $keys SELECT ${sel%,} FROM opdrachten o, k
    WHERE o.id < 1000000 ORDER BY k.n, o.id LIMIT $n"
  for link in opdracht_themas opdracht_uitvoerders; do
    cols=$(columns $link); sel=""
    for c in $cols; do
      [ $c = opdracht_id ] && sel+="o.id," || sel+="l.$c,"
    done
    run_sql "INSERT INTO $link (${cols// /,}) SELECT ${sel%,} FROM opdrachten o
      JOIN $link l ON l.opdracht_id = o.id % 1000000 WHERE o.id >= 1000000"
  done
  case $DATABASE_URL in
    sqlite:*) ;;
    *) run_sql "SELECT setval(pg_get_serial_sequence('opdrachten', 'id'), (SELECT max(id) FROM opdrachten))" >/dev/null ;;
  esac
}
