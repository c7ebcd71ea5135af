/**
 * A labelled text field of a filter form whose value lives in the route: it shows the route's value,
 * and a new route (a link followed, the back button) resets it, hence the key.
 */
export function TextFilter({
  id,
  name,
  label,
  value,
  className,
}: {
  id: string;
  name: string;
  label: string;
  value: string | undefined;
  className?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} type="text" defaultValue={value} key={`${name}-${value ?? ''}`} />
    </div>
  );
}
