// Sets inline style properties through the CSSOM (element.style.setProperty). Lit's styleMap
// writes a `style` attribute on first render, which the panel's CSP (no 'unsafe-inline')
// blocks; CSSOM writes are not subject to style-src, so this directive is what the panel uses.
import { noChange, type ElementPart } from 'lit';
import { Directive, directive, PartType, type PartInfo } from 'lit/directive.js';

type Props = Readonly<Record<string, string>>;

class StylePropsDirective extends Directive {
  private previous: Props = {};

  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('styleProps() goes on an element: <div ${styleProps({...})}>');
  }

  render(_props: Props): typeof noChange {
    return noChange;
  }

  override update(part: ElementPart, [props]: [Props]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const name of Object.keys(this.previous)) if (!(name in props)) style.removeProperty(name);
    for (const [name, value] of Object.entries(props)) if (this.previous[name] !== value) style.setProperty(name, value);
    this.previous = props;
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
