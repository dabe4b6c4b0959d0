package io.securefirehose.spring.boot;

import io.securefirehose.ProducerProperties;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Reads the producer's keys ({@link ProducerProperties#keys()}) under {@value #PREFIX} from Spring's environment, in
 * Spring's relaxed forms ({@code firehose.secure.max-batch-records}, {@code FIREHOSE_SECURE_MAXBATCHRECORDS}).
 * Names under the prefix that are neither a key nor one of the starter's own ({@value #HEALTH}{@code .*}) are passed
 * on as they are, so that {@code ProducerBuilder.properties} refuses them with the closest known key: no property is
 * silently ignored. Stateless.
 */
final class FirehoseSecureProperties {

    static final String PREFIX = "firehose.secure";

    /** The starter's own settings, not producer options. */
    static final String HEALTH = PREFIX + ".health";

    private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(PREFIX);
    private static final ConfigurationPropertyName HEALTH_ROOT = ConfigurationPropertyName.of(HEALTH);

    private FirehoseSecureProperties() {}

    /**
     * @param environment the application's environment
     * @return the producer keys set there, by their documented names, and any unknown name under the prefix
     */
    static Map<String, String> read(Environment environment) {
        Binder binder = Binder.get(environment);
        Map<String, String> values = new LinkedHashMap<>();
        for (ProducerProperties.Key key : ProducerProperties.keys()) {
            String name = key.name();
            if (name.endsWith(".<name>")) {
                String group = name.substring(0, name.length() - ".<name>".length());
                binder.bind(PREFIX + "." + group, Bindable.mapOf(String.class, String.class))
                        .ifBound(entries -> entries.forEach((entry, value) -> values.put(group + "." + entry, value)));
            } else {
                binder.bind(PREFIX + "." + name, String.class).ifBound(value -> values.put(name, value));
            }
        }
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (source instanceof IterableConfigurationPropertySource iterable) {
                iterable.stream()
                        .filter(ROOT::isAncestorOf)
                        .filter(name -> !HEALTH_ROOT.equals(name) && !HEALTH_ROOT.isAncestorOf(name))
                        .filter(name -> !known(name))
                        .forEach(name -> values.putIfAbsent(name.toString().substring(PREFIX.length() + 1), "?"));
            }
        }
        return values;
    }

    private static boolean known(ConfigurationPropertyName name) {
        List<ProducerProperties.Key> keys = ProducerProperties.keys();
        for (ProducerProperties.Key key : keys) {
            String keyName = key.name();
            if (keyName.endsWith(".<name>")) {
                ConfigurationPropertyName group = ConfigurationPropertyName.of(
                        PREFIX + "." + keyName.substring(0, keyName.length() - ".<name>".length()));
                if (group.isAncestorOf(name)) {
                    return true;
                }
            } else if (ConfigurationPropertyName.of(PREFIX + "." + keyName).equals(name)) {
                return true;
            }
        }
        return false;
    }
}
