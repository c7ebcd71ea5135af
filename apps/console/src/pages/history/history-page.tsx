import type { Route } from '../../router';
import { DatasetFinder } from './dataset-finder';
import { DatasetHistory } from './dataset-history';
import './history.css';

/** `#/datasets`: find a dataset; `#/datasets/<id>?asOf=&from=&to=`: its history, as of a moment, a diff. */
export function HistoryPage({ route }: { route: Route }) {
  const id = route.segments[1];
  return id === undefined ? <DatasetFinder route={route} /> : <DatasetHistory id={id} route={route} />;
}
