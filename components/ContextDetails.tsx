/** Shows a detected `CrmContext` as a definition list; raw values stay in `data-value` for tools and tests. */
import type { CrmContext } from '@/lib/crm/context';
import { CRM_PRODUCT_NAMES } from '@/lib/crm/summary';
import { CONTEXT_FIELDS, environmentKey, pageTypeKey, surfaceKey, type Translate } from '@/lib/i18n';

interface Props {
  context: CrmContext;
  t: Translate;
}

export function ContextDetails({ context, t }: Props) {
  const shown = (field: (typeof CONTEXT_FIELDS)[number][0]): string => {
    switch (field) {
      case 'crm':
        return CRM_PRODUCT_NAMES[context.crm];
      case 'environment':
        return t(environmentKey(context.environment));
      case 'pageType':
        return t(pageTypeKey(context.pageType));
      case 'surface':
        return t(surfaceKey(context.surface));
      default:
        return context[field] ?? t('valueNone');
    }
  };
  return (
    <dl className="context">
      {CONTEXT_FIELDS.map(([field, labelKey]) => (
        <div key={field} className="context__row">
          <dt>{t(labelKey)}</dt>
          <dd data-field={field} data-value={context[field] ?? ''}>
            {shown(field)}
          </dd>
        </div>
      ))}
    </dl>
  );
}
